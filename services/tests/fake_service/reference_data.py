"""S6 reference data (test values). Free of charge: no FEES."""

DOCUMENTS = [
    ("", "application", "Өтініш", "Заявление", "Application"),
]

QUALIFICATION = [
    ("club-station-ready", "Клубтық станция дайын", "Клубная станция готова", "The club station is ready",
     "Клубтық станция дайын емес", "Клубная станция не готова", "The club station is not ready"),
]

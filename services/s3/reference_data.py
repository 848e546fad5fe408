"""S3 reference data the regulation leaves open (spec §9): demo values, marked as such."""

FEES = {"assignment": 4_325}

DOCUMENTS = [
    ("", "application", "Өтініш", "Заявление", "Application"),
    ("", "technical-data", "Радиоэлектрондық құралдың техникалық деректері",
     "Технические данные радиоэлектронного средства", "Technical data of the radio station"),
]

QUALIFICATION = [
    ("band-available", "Жиілік жолағы бос", "Полоса частот свободна", "The band is free at the location",
     "Жиілік жолағы бос емес", "Полоса частот занята", "The band is not free at the location"),
]

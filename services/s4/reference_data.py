"""S4 reference data the regulation leaves open (spec §9): demo values. S4 is free of charge."""

DOCUMENTS = [
    ("", "application", "Өтініш", "Заявление", "Application"),
    ("", "device-certificate", "Құрылғының сәйкестік сертификаты", "Сертификат соответствия устройства",
     "Conformity certificate of the device"),
]

QUALIFICATION = [
    ("device-conformity", "Құрылғы сәйкес", "Устройство соответствует требованиям", "The device conforms",
     "Құрылғы сәйкес емес", "Устройство не соответствует требованиям", "The device does not conform"),
]

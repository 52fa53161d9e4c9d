"""The words and names the number rules read: each language's words for the parts
of a number (percent, decimal point, currencies, scales), month names, units
and time zones. The rules themselves are in :mod:`audiobrief.speech.numbers`.
"""

from __future__ import annotations

#: "point" is the decimal separator's word; "dot" the word for the dot inside a version ("3.6.0")
WORDS = {
    "en": {"percent": "percent", "point": "point", "dot": "point", "dollar": ("dollar", "dollars"), "euro": ("euro", "euros"),
           "pound": ("pound", "pounds"), "yen": ("yen", "yen"), "cent": ("cent", "cents"), "and": "and",
           "to": "to", "fy": "fiscal year", "number": "number", "minus": "minus",
           "million": "million", "billion": "billion", "trillion": "trillion", "thousand": "thousand"},
    "de": {"percent": "Prozent", "point": "Komma", "dot": "Komma", "dollar": ("Dollar", "Dollar"), "euro": ("Euro", "Euro"),
           "pound": ("Pfund", "Pfund"), "yen": ("Yen", "Yen"), "cent": ("Cent", "Cent"), "and": "und",
           "to": "bis", "fy": "Geschäftsjahr", "number": "Nummer", "minus": "minus",
           "million": "Millionen", "billion": "Milliarden", "trillion": "Billionen", "thousand": "tausend"},
    "es": {"percent": "por ciento", "point": "coma", "dot": "punto", "dollar": ("dólar", "dólares"), "euro": ("euro", "euros"),
           "pound": ("libra", "libras"), "yen": ("yen", "yenes"), "cent": ("céntimo", "céntimos"), "and": "y",
           "to": "a", "fy": "año fiscal", "number": "número", "minus": "menos",
           "million": "millones", "billion": "mil millones", "trillion": "billones", "thousand": "mil"},
    "fr": {"percent": "pour cent", "point": "virgule", "dot": "point", "dollar": ("dollar", "dollars"), "euro": ("euro", "euros"),
           "pound": ("livre", "livres"), "yen": ("yen", "yens"), "cent": ("centime", "centimes"), "and": "et",
           "to": "à", "fy": "exercice", "number": "numéro", "minus": "moins",
           "million": "millions", "billion": "milliards", "trillion": "billions", "thousand": "mille"},
}

MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December"]
MONTHS_DE = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
              "Oktober", "November", "Dezember"]
MONTH_ABBR = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
               "oct": 10, "nov": 11, "dec": 12, "okt": 10, "dez": 12, "mär": 3, "mrz": 3}
MONTH_NAME = "|".join(MONTHS_EN + MONTHS_DE[:3] + ["Mai", "Juni", "Juli", "Oktober", "Dezember"])
MONTH_RE = rf"(?:(?:{MONTH_NAME})|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Okt|Dez|Mrz)\.?)"

UNITS = {
    # symbol: (en singular, en plural, de)
    "km/h": ("kilometre per hour", "kilometres per hour", "Kilometer pro Stunde"),
    "mph": ("mile per hour", "miles per hour", "Meilen pro Stunde"),
    "km": ("kilometre", "kilometres", "Kilometer"),
    "cm": ("centimetre", "centimetres", "Zentimeter"),
    "mm": ("millimetre", "millimetres", "Millimeter"),
    "kg": ("kilogram", "kilograms", "Kilogramm"),
    "mg": ("milligram", "milligrams", "Milligramm"),
    "lbs": ("pound", "pounds", "Pfund"),
    "lb": ("pound", "pounds", "Pfund"),
    "ml": ("millilitre", "millilitres", "Milliliter"),
    "GB": ("gigabyte", "gigabytes", "Gigabyte"),
    "MB": ("megabyte", "megabytes", "Megabyte"),
    "TB": ("terabyte", "terabytes", "Terabyte"),
    "kB": ("kilobyte", "kilobytes", "Kilobyte"),
    "GHz": ("gigahertz", "gigahertz", "Gigahertz"),
    "MHz": ("megahertz", "megahertz", "Megahertz"),
    "Hz": ("hertz", "hertz", "Hertz"),
    "kW": ("kilowatt", "kilowatts", "Kilowatt"),
    "MW": ("megawatt", "megawatts", "Megawatt"),
    "kWh": ("kilowatt hour", "kilowatt hours", "Kilowattstunden"),
    "°C": ("degree Celsius", "degrees Celsius", "Grad Celsius"),
    "°F": ("degree Fahrenheit", "degrees Fahrenheit", "Grad Fahrenheit"),
    "ft": ("foot", "feet", "Fuß"),
    "mi": ("mile", "miles", "Meilen"),
    "m": ("metre", "metres", "Meter"),
    "g": ("gram", "grams", "Gramm"),
    "h": ("hour", "hours", "Stunden"),
    "min": ("minute", "minutes", "Minuten"),
    "s": ("second", "seconds", "Sekunden"),
}
TIMEZONES = {
    "EST": "Eastern Standard Time", "EDT": "Eastern Daylight Time", "ET": "Eastern Time",
    "CST": "Central Standard Time", "CDT": "Central Daylight Time", "CT": "Central Time",
    "MST": "Mountain Standard Time", "MDT": "Mountain Daylight Time",
    "PST": "Pacific Standard Time", "PDT": "Pacific Daylight Time", "PT": "Pacific Time",
    "GMT": "G M T", "UTC": "U T C", "BST": "British Summer Time",
    "CET": "Central European Time", "CEST": "Central European Summer Time",
    "MEZ": "mitteleuropäischer Zeit", "MESZ": "mitteleuropäischer Sommerzeit",
}

SCALES = {"bn": "billion", "billion": "billion", "mn": "million", "million": "million", "m": "million",
           "k": "thousand", "thousand": "thousand", "trillion": "trillion", "tn": "trillion",
           "mio": "million", "mio.": "million", "mrd": "billion", "mrd.": "billion", "millionen": "million",
           "million_de": "million", "milliarden": "billion", "milliarde": "billion", "tsd": "thousand",
           "tsd.": "thousand"}
CURRENCY = {"$": "dollar", "US$": "dollar", "€": "euro", "£": "pound", "¥": "yen", "EUR": "euro", "USD": "dollar",
             "GBP": "pound"}

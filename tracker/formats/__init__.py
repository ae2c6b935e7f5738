"""Date and number formats per language, over Django's own (FORMAT_MODULE_PATH).

Vietnamese: 09/02/2021 and 1.234,5. English: 9 Feb 2021 (never 02/09/2021, which a reader here
would take for 2 September) and 1,234.5. Thousands are grouped only where a template asks
(`intcomma`, `floatformat:"1g"`): USE_THOUSAND_SEPARATOR would also turn ids printed in
templates into "1.234".
"""

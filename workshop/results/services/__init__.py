"""The city's response (意見の概要と市の考え方), one module per part of the job; import from the
module itself.

- writing: the planners write a response per theme, or carry them over from an earlier analysis
- publishing: publish one analysis (after the consultation closes), withdraw it
- reading: what residents read: the counts, the themes with their responses and comments
- exports: the table as CSV and Excel, and the open-data JSON
"""

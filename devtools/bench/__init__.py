"""Benchmarks of the budgets in DESIGN.md section 6 (`make bench`): each part prints numbers and asserts nothing."""

#: Short messages of ordinary feelings (the overhead part sends them; devtools.soak too).
MESSAGES = [
    "I'm anxious about my job interview tomorrow.",
    "I feel so lonely since my friends moved away.",
    "I'm grateful for a good day with my kids.",
    "Everything at work is overwhelming me.",
    "I'm angry at my brother for what he said.",
]

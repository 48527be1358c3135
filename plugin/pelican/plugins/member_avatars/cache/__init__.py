"""Cache: the avatar store on disk (`store`, over diskcache), what it keeps of a URL
(`entries`), opening a folder in whatever state it is in (`folder`) and reading one that cannot be
written (`read_only`).

May import `settings` and `log`.
"""

"""Network: HTTP for remote avatars (`fetch`), which hosts may be asked (`hosts`), which
connections are still worth trying (`routes`) and the response headers acted on (`headers`).

May import `settings` and `log`; knows nothing of members or the cache.
"""

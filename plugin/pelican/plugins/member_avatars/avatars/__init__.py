"""Avatars: one build's avatar work (`job`), the chain of sources each member tries (`resolver`,
`sources`), the local and remote sources (`local`, `remote`), when to ask again (`freshness`),
rendered images kept by source bytes (`renders`), and what the build prints (`summary`, `progress`).

May import `content`, `net`, `images`, `cache`, `settings` and `log`.
"""

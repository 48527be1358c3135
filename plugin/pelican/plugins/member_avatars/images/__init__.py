"""Images: decoding, cropping and rendering with Pillow (`process`), resizing and encoding
(`encode`) and generated initials (`initials`). Pure work on bytes and pictures.

May import `settings` and `log`.
"""

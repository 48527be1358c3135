"""Print the documented settings table (Markdown), one line per row of the plugin's settings
table, for the settings reference (docs/settings.md):

    python tools/settings_table.py
"""

from pelican.plugins.member_avatars.settings.table import markdown_table

if __name__ == "__main__":
    print(markdown_table(), end="")

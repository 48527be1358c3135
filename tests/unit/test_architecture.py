"""The package's architecture: no module imports, through any chain, a module that imports it.

The layers themselves are checked by import-linter (`lint-imports`, run by `make test`); this
test finds what layers cannot: a cycle between two modules of one subpackage.
"""

import grimp

PACKAGE = "pelican.plugins.member_avatars"


def test_no_import_cycle_anywhere_in_the_package():
    graph = grimp.build_graph(PACKAGE)
    cycles = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            if imported != importer and graph.chain_exists(imported=importer, importer=imported):
                cycles.append(f"{importer} -> {imported}")
    assert cycles == []


def test_the_package_is_split_into_subpackages_by_role():
    graph = grimp.build_graph(PACKAGE)
    subpackages = {
        module.removeprefix(PACKAGE + ".")
        for module in graph.find_children(PACKAGE)
        if graph.find_children(module)
    }
    assert subpackages == {"avatars", "cache", "commands", "content", "images", "net", "settings"}

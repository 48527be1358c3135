#!/usr/bin/env bash
# The steps of the GitHub Action in action.yml, one per subcommand, so they can be run and tested
# outside GitHub Actions too:
#
#   action/run.sh install   pip-installs the plugin from the action's own folder (INPUT_INSTALL)
#   action/run.sh check     pelican-avatars check with GitHub annotations (INPUT_CHECK)
#   action/run.sh build     builds the site (INPUT_BUILD) into INPUT_OUTPUT
#
# Every input comes from the environment, as action.yml passes them: INPUT_SETTINGS,
# INPUT_BUILD_SETTINGS, INPUT_CONTENT, INPUT_OUTPUT, INPUT_INSTALL, INPUT_CHECK, INPUT_BUILD,
# INPUT_WORKING_DIRECTORY. The plugin is installed from the folder above this script (the
# action's checkout), with PYTHON (default: python).
set -euo pipefail

ACTION_PATH="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python}"

# `true` or `false`, as action.yml's own conditions read them.
is_true() {
    case "$2" in
        true) return 0 ;;
        false) return 1 ;;
        *)
            echo "::error::pelican-member-avatars action: input $1 is '$2', not true or false" >&2
            exit 2
            ;;
    esac
}

cd "${INPUT_WORKING_DIRECTORY:-.}"

case "${1:-}" in
    install)
        if is_true install "${INPUT_INSTALL:-true}"; then
            "$PYTHON" -m pip install --disable-pip-version-check --quiet "$ACTION_PATH"
        fi
        ;;
    check)
        if is_true check "${INPUT_CHECK:-true}"; then
            # Exit code 1 (some file has a problem) fails the step; the annotations show on the
            # pull request's files.
            pelican-avatars check --settings "${INPUT_SETTINGS:-pelicanconf.py}" --format github
        fi
        ;;
    build)
        if is_true build "${INPUT_BUILD:-false}"; then
            pelican "${INPUT_CONTENT:-content}" \
                --settings "${INPUT_BUILD_SETTINGS:-publishconf.py}" \
                --output "${INPUT_OUTPUT:-output}"
        fi
        ;;
    *)
        echo "usage: $0 install|check|build" >&2
        exit 2
        ;;
esac

"""``python -m pulumi.dynamic`` with an engine watch (engine/plugin_watchdog.py): the dynamic provider
process exits when its engine goes away. Launched by engine/plugins/pulumi-resource-pulumi-python,
which vigil puts ahead of Pulumi's bundled launcher on the engine's PATH."""

from __future__ import annotations

import runpy

from engine.plugin_watchdog import watch


def main() -> None:
    watch()
    runpy.run_module("pulumi.dynamic", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()

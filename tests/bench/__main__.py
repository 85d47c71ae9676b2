"""Run every benchmark module and print one table of figures."""

from __future__ import annotations

import asyncio
import importlib
import pkgutil
import sys
import time
from dataclasses import dataclass, field

import tests.bench as bench_pkg


@dataclass
class Report:
    """Figures collected by the benchmark modules of one run."""

    rows: list[tuple[str, str, str, str]] = field(default_factory=list)
    baseline: float | None = None  # echo updates/s of this run

    def add(self, name: str, value: float, unit: str, note: str = "") -> None:
        shown = f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"
        self.rows.append((name, shown, unit, note))
        print(f"  {name:<52} {shown:>14} {unit:<10} {note}", flush=True)


def _modules() -> list[str]:
    names = sorted(m.name for m in pkgutil.iter_modules(bench_pkg.__path__) if m.name.startswith("bench_"))
    # The echo baseline first: other rates are compared with it.
    names.sort(key=lambda n: (n != "bench_echo", n))
    return names


async def _main(selected: list[str]) -> int:
    report = Report()
    for name in _modules():
        if selected and not any(s in name for s in selected):
            continue
        module = importlib.import_module(f"tests.bench.{name}")
        print(f"[{name}] {module.__doc__.strip().splitlines()[0] if module.__doc__ else ''}", flush=True)
        started = time.perf_counter()
        await module.run(report)
        print(f"  ({time.perf_counter() - started:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(_main(sys.argv[1:])))

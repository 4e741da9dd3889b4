"""The benchmark results as a terminal table, JSON and a PNG bar chart."""

import datetime
import json
import os
import platform


def machine_facts(args, torch, ember, steps, warmup):
    facts = {"date": datetime.date.today().isoformat(), "device": args.device, "threads": args.threads,
             "steps": steps, "warmup": warmup, "python": platform.python_version(),
             "ember": ember.__version__, "torch": torch.__version__, "cpu": _cpu_name(),
             "clock": "main-thread CPU time" if args.cpu_time else "wall clock",
             "command": "python -m benchmarks " + " ".join(_argv_for_record(args))}
    try:
        import threadpoolctl
        facts["numpy_blas"] = [f"{i['internal_api']} {i.get('version', '')} ({i['num_threads']} threads)"
                               for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
    except ImportError:
        facts["numpy_blas"] = "unknown (pip install threadpoolctl to see it)"
    if args.device == "cuda":
        facts["gpu"] = torch.cuda.get_device_name()
        facts["tf32"] = args.tf32
    return facts


def _argv_for_record(args):
    parts = [f"--device {args.device}"] if args.device != "cpu" else []
    parts += [f"--workload {w}" for w in args.workload or []]
    parts += [f"--threads {args.threads}"] if args.threads != 2 else []
    parts += ["--quick"] if args.quick else []
    parts += ["--cpu-time"] if args.cpu_time else []
    parts += ["--under-load"] if args.under_load else []
    parts += ["--tf32"] if args.tf32 else []
    return parts


def _cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ms(seconds):
    return f"{seconds * 1e3:8.3g}"


def _mb(size):
    return f"{size / 2**20:7.1f}"


def table(results):
    rows = ["workload   | ember train ms | torch train ms | ratio | ember infer ms | torch infer ms | ratio "
            "| ember MB | torch MB"]
    rows.append("-" * len(rows[0]))
    for name, r in results["workloads"].items():
        if "not_yet" in r:
            rows.append(f"{name:10s} | not yet ({r['not_yet']})")
            continue
        train, infer, memory = r["train"], r["inference"], r.get("memory")
        row = (f"{name:10s} | {_ms(train['ember']):>14s} | {_ms(train['torch']):>14s} | "
               f"{train['ember'] / train['torch']:5.3g} | {_ms(infer['ember']):>14s} | {_ms(infer['torch']):>14s} | "
               f"{infer['ember'] / infer['torch']:5.3g}")
        if memory:
            row += f" | {_mb(memory['ember']):>8s} | {_mb(memory['torch']):>8s}"
        rows.append(row)
    loaded = {name: r["under_load"] for name, r in results["workloads"].items() if "under_load" in r}
    if loaded:
        rows += ["", "beside a CPU-bound neighbour: train step slowdown (loaded / alone)",
                 "workload   | ember | torch"]
        rows += [f"{name:10s} | {s['ember']:5.2f} | {s['torch']:5.2f}" for name, s in loaded.items()]
    if "ops" in results:
        rows += ["", "op                  | ember fwd µs | torch fwd µs | ratio | ember fwd+bwd µs | torch fwd+bwd µs | ratio"]
        for label, r in results["ops"].items():
            e, t = r["ember"], r["torch"]
            rows.append(f"{label:19s} | {e['forward'] * 1e6:12.1f} | {t['forward'] * 1e6:12.1f} | "
                        f"{e['forward'] / t['forward']:5.2f} | {e['forward+backward'] * 1e6:16.1f} | "
                        f"{t['forward+backward'] * 1e6:16.1f} | {e['forward+backward'] / t['forward+backward']:5.2f}")
    meta = results["meta"]
    rows += ["", f"{meta['date']}, {meta['cpu']}, {meta['threads']} threads, {meta['clock']}, device {meta['device']}, "
                 f"torch {meta['torch']}, NumPy BLAS {meta['numpy_blas']}"]
    return "\n".join(rows)


def write(results, folder, device):
    """results/<device>.json and, with matplotlib, results/<device>.png; returns the paths written."""
    os.makedirs(folder, exist_ok=True)
    json_path = os.path.join(folder, f"{device}.json")
    with open(json_path, "w") as f:
        json.dump(results, f, indent=2)
    paths = [json_path]
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return paths
    done = {n: r for n, r in results["workloads"].items() if "train" in r}
    if done:
        names = list(done)
        fig, ax = plt.subplots(figsize=(1.2 * len(names) + 2, 3.5))
        xs = range(len(names))
        ax.bar([x - 0.2 for x in xs], [done[n]["train"]["ember"] / done[n]["train"]["torch"] for n in names],
               width=0.4, label="train step")
        ax.bar([x + 0.2 for x in xs], [done[n]["inference"]["ember"] / done[n]["inference"]["torch"] for n in names],
               width=0.4, label="inference")
        ax.axhline(1.0, color="black", linewidth=0.8)
        ax.set_xticks(list(xs), names)
        ax.set_ylabel("time ember / PyTorch")
        ax.set_title(f"ember vs PyTorch ({device}, {results['meta']['threads']} threads, {results['meta']['date']})")
        ax.legend()
        fig.tight_layout()
        png_path = os.path.join(folder, f"{device}.png")
        fig.savefig(png_path, dpi=110)
        plt.close(fig)
        paths.append(png_path)
    return paths

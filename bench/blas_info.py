"""The BLAS a Python peer runs on, as threadpoolctl reports it: "openblas 0.3.21 Cooperlake, 1 thread"."""


def blas_info():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (threadpoolctl not installed)"
    parts = []
    for lib in threadpool_info():
        if lib.get("user_api") != "blas":
            continue
        parts.append(
            f"{lib.get('internal_api')} {lib.get('version')} {lib.get('architecture', '?')}, {lib.get('num_threads')} thread(s)"
        )
    return "; ".join(parts) or "none found"

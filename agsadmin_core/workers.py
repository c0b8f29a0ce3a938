"""A bounded pool of threads that runs one function over many items, in the stdlib of 2.7 too.

``concurrent.futures`` is missing from Python 2.7 and its backport would be a third runtime
dependency, so this small pool does the one thing we need: at most N calls at once, results in
the order of the items, and no new item started once the caller says "cancelled".

Only ``func`` runs on the worker threads. ``on_done`` and ``cancelled`` always run on the
calling thread, so a front end whose UI is not thread-safe (arcpy's messages and progressor)
can report from them directly.
"""

import threading

from ._compat import queue

#: How often the calling thread looks at ``cancelled()`` while calls are under way.
_POLL_SECONDS = 0.05


def run_bounded(func, items, workers=4, cancelled=None, on_done=None):
    """Call ``func(item)`` for every item with at most ``workers`` calls at once.

    Args:
        func: called once per item, on a worker thread; whatever it returns is that item's
            result. It should catch its own expected errors; an unexpected one is returned in
            the result list as the exception object.
        items: the items, in order.
        workers: the largest number of calls running at once (at least 1).
        cancelled: a callable, asked on the calling thread before each item is handed out;
            once it returns True no further item is started (calls under way finish).
        on_done: called as ``on_done(item, result)`` on the calling thread after each item.

    Returns:
        A list parallel to ``items``: each result, or None for an item never started.
    """
    items = list(items)
    results = [None] * len(items)
    count = max(1, min(int(workers), len(items)))
    if count == 1:
        for index, item in enumerate(items):
            if cancelled is not None and cancelled():
                break
            results[index] = _call(func, item)
            if on_done is not None:
                on_done(item, results[index])
        return results

    todo = queue.Queue()
    done = queue.Queue()
    # Each permit lets one item out; the calling thread grants them one at a time, so a
    # cancel takes effect before the next item starts, not after the queue is drained.
    permits = queue.Queue()
    for index, item in enumerate(items):
        todo.put((index, item))

    def worker():
        while True:
            if permits.get() is None:
                return
            index, item = todo.get()
            done.put((index, item, _call(func, item)))

    threads = [threading.Thread(target=worker, name="agsadmin-worker-%d" % n)
               for n in range(count)]
    for thread in threads:
        thread.daemon = True
        thread.start()
    handed = running = 0
    try:
        while handed < len(items) or running:
            while running < count and handed < len(items):
                if cancelled is not None and cancelled():
                    handed = len(items)  # nothing more starts
                    break
                permits.put(True)
                handed += 1
                running += 1
            if not running:
                break
            try:
                index, item, result = done.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                continue
            running -= 1
            results[index] = result
            if on_done is not None:
                on_done(item, result)
    finally:
        for _ in threads:
            permits.put(None)
        for thread in threads:
            thread.join()
    return results


def _call(func, item):
    try:
        return func(item)
    except Exception as exc:  # noqa: BLE001 - handed back to the caller, not lost
        return exc

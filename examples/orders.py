#!/usr/bin/env python3
"""The steps of examples/orders.yaml, one subcommand each: validate, price, store, index.

Each step is a Lanes exec step: it reads one JSON document on stdin,
    {"input": <the run's input>, "steps": {"<dependency id>": <its output>, ...}}
prints its output as JSON on stdout, and fails (exit status 2, a reason on stderr) when it cannot
do its work. LANES_RUN_ID, LANES_WORKFLOW, LANES_STEP and LANES_ATTEMPT say which attempt it is.
Storing and indexing are idempotent, so a retried attempt leaves the same files as one that
succeeded the first time.
"""
import fcntl
import json
import os
import re
import sys

# Value-added tax by country, in percent; unknown countries are refused by validate.
TAX_PERCENT = {"FR": 20, "DE": 19, "ES": 21, "IT": 22, "GB": 20, "US": 0}
ORDER_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def fail(reason):
    print(reason, file=sys.stderr)
    sys.exit(2)


def validate(doc):
    """The order as sent, checked and normalised (the only step that reads the raw input)."""
    order = doc["input"]
    if not isinstance(order, dict):
        fail("the input must be a JSON object (an order), got %s" % json.dumps(order)[:80])
    order_id = order.get("id")
    if not isinstance(order_id, str) or not ORDER_ID.match(order_id):
        fail("the order needs an \"id\" of letters, digits, - and _ (at most 64)")
    country = order.get("country", "")
    if country not in TAX_PERCENT:
        fail("unknown country %r: known are %s" % (country, ", ".join(sorted(TAX_PERCENT))))
    items = order.get("items")
    if not isinstance(items, list) or not items:
        fail("order %s has no items" % order_id)
    lines = []
    for n, item in enumerate(items):
        qty, cents = item.get("qty"), item.get("cents")
        if not isinstance(item.get("sku"), str) or not isinstance(qty, int) or qty < 1:
            fail("item %d of order %s needs a \"sku\" and a \"qty\" of at least 1" % (n, order_id))
        if not isinstance(cents, int) or cents < 0:
            fail("item %d of order %s needs a price in \"cents\" (a whole number)" % (n, order_id))
        lines.append({"sku": item["sku"], "qty": qty, "cents": cents})
    return {"id": order_id, "customer": str(order.get("customer", "")), "country": country, "items": lines}


def price(doc):
    """The quote the caller gets back: lines, subtotal, tax and total, in cents."""
    order = doc["steps"]["validate"]
    lines = [dict(item, total=item["qty"] * item["cents"]) for item in order["items"]]
    subtotal = sum(line["total"] for line in lines)
    percent = TAX_PERCENT[order["country"]]
    # Round half up, in whole cents.
    tax = (subtotal * percent + 50) // 100
    return {
        "order": order["id"],
        "customer": order["customer"],
        "lines": lines,
        "subtotal": subtotal,
        "tax": tax,
        "tax_percent": percent,
        "total": subtotal + tax,
    }


def orders_dir():
    return os.environ.get("ORDERS_DIR") or "/tmp/lanes-orders"


def write_atomically(path, text):
    """A reader sees the old file or the new one, never half of one."""
    temporary = "%s.%d.tmp" % (path, os.getpid())
    with open(temporary, "w") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)


def store(doc):
    """Saves the quote as <ORDERS_DIR>/orders/<id>.json (replaced whole on a retry)."""
    quote = doc["steps"]["price"]
    folder = os.path.join(orders_dir(), "orders")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, quote["order"] + ".json")
    text = json.dumps(quote, indent=2, sort_keys=True) + "\n"
    write_atomically(path, text)
    return {"path": path, "bytes": len(text.encode())}


def index(doc):
    """Adds the stored order to <ORDERS_DIR>/index.json (order id -> customer, total, file), under a
    lock: index steps of several runs may run at once."""
    quote = doc["steps"]["price"]
    stored = doc["steps"]["store"]
    folder = orders_dir()
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "index.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        path = os.path.join(folder, "index.json")
        try:
            with open(path) as existing:
                entries = json.load(existing)
        except FileNotFoundError:
            entries = {}
        entries[quote["order"]] = {
            "customer": quote["customer"],
            "total": quote["total"],
            "file": stored["path"],
            "run": int(os.environ.get("LANES_RUN_ID", "0")),
        }
        write_atomically(path, json.dumps(entries, indent=2, sort_keys=True) + "\n")
    return {"indexed": quote["order"], "orders": len(entries)}


STEPS = {"validate": validate, "price": price, "store": store, "index": index}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in STEPS:
        fail("usage: orders.py %s < document.json" % "|".join(STEPS))
    try:
        document = json.load(sys.stdin)
    except ValueError as error:
        fail("stdin is not the step's JSON document: %s" % error)
    print(json.dumps(STEPS[sys.argv[1]](document)))

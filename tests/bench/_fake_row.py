"""A stand-in row module for the runner tests: answers at once in the flat shape."""


def run(quick):
    return {"ratio": 1.5, "ratios": [1.4, 1.5, 1.6], "target": 1.3, "unit": "x",
            "note": "quick" if quick else "full"}

print("timebank-bench: not written yet")

"""`make bench`: the scale data set (bench/load.py) and the measurements (bench/run.py)."""

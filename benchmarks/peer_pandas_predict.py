"""The plain pandas script batch scoring is measured against (``benchmarks/batch_predict.py``).

    peer_pandas_predict.py MODEL.json INPUT.csv OUTPUT.csv

What a data scientist would write without pyseg: read the whole CSV with pandas, take the nearest
center of every row with numpy (squared distances summed one feature at a time, as pyseg does),
add segment, segment_name and distance, and write the table back with ``DataFrame.to_csv``. No
checks beyond what pandas does itself.
"""

from __future__ import annotations

import json
import sys

import numpy as np
import pandas as pd


def main(model_path: str, input_path: str, output_path: str) -> None:
    with open(model_path, encoding="utf-8") as handle:
        model = json.load(handle)
    centers = np.asarray(model["centers"], dtype=np.float64)
    names = np.array([segment["name"] for segment in model["segments"]], dtype=object)
    frame = pd.read_csv(input_path, dtype={"CustomerID": str})
    X = frame[model["feature_names"]].to_numpy(dtype=np.float64)
    squared = np.zeros((len(X), len(centers)))
    for feature in range(X.shape[1]):
        squared += (X[:, feature, None] - centers[None, :, feature]) ** 2
    index = squared.argmin(axis=1)
    frame["segment"] = index
    frame["segment_name"] = names[index]
    frame["distance"] = np.sqrt(squared[np.arange(len(X)), index])
    frame.to_csv(output_path, index=False)


if __name__ == "__main__":
    main(*sys.argv[1:4])

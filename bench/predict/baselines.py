"""scikit-learn baselines of issue #5, measured with the protocol of bench/predict.bench.ts.

A reference script, not part of Leadscore: nothing in the project installs or runs Python.
Run it in a throwaway virtual environment (scikit-learn >= 1.4, pandas):

    python3 -m venv /tmp/skl && /tmp/skl/bin/pip install scikit-learn pandas
    /tmp/skl/bin/python bench/predict/baselines.py [--only bank] [--random-state 0] [--json]

On a machine shared with other work, OMP_NUM_THREADS=1 keeps the trees' threads from fighting
over the cores (the figures do not change, the time does).

What it measures: for each public dataset of /work/shared/data (LEADSCORE_DATA_DIR overrides),
with the honest feature sets of bench/predict/datasets.ts (X Education without its 9 leakage
columns and its two identifiers, `Select` read as missing; bank marketing without `duration`;
online shoppers without `PageValues`) and the same labels (Converted = 1, y = yes,
Revenue = TRUE), 5-fold StratifiedKFold(shuffle=True, random_state=0), and for each learner:

- HistGradientBoosting (default settings, random_state 0), categories ordinal-encoded and
  passed as `categorical_features` (native categorical splits; missing is its own bin);
- HistGradientBoosting, categories one-hot encoded instead (the other usual set-up);
- LogisticRegression (L2, C = 1, lbfgs, max_iter 5000): numbers standardised after a median
  fill plus a missing indicator, categories one-hot (missing as its own value).

It prints ROC AUC mean ± std over the folds, and, over the out-of-fold predicted probabilities
(every row predicted once, by the model that did not see it), log loss and Brier score; the
AUC of the pooled out-of-fold probabilities too. Leadscore's bench reports the same figures.
"""

import argparse
import json
import os
import platform
import sys
import time

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

DATA_DIR = os.environ.get("LEADSCORE_DATA_DIR", "/work/shared/data")

X_EDUCATION_LEAKS = [
    "Tags",
    "Lead Quality",
    "Lead Profile",
    "Last Notable Activity",
    "Last Activity",
    "Asymmetrique Activity Index",
    "Asymmetrique Profile Index",
    "Asymmetrique Activity Score",
    "Asymmetrique Profile Score",
]

# Same as bench/predict/datasets.ts: file, separator, label column and its positive value,
# excluded columns, values read as missing, baseline AUCs quoted in issue #5.
DATASETS = [
    {
        "name": "X Education leads",
        "file": "x-education-leads/Leads.csv",
        "sep": ",",
        "label": "Converted",
        "positive": "1",
        "exclude": X_EDUCATION_LEAKS + ["Prospect ID", "Lead Number"],
        "missing": ["Select"],
        "issue": {"HistGradientBoosting": 0.8725, "LogisticRegression": 0.8647},
    },
    {
        "name": "UCI bank marketing",
        "file": "uci-bank-marketing/bank-additional-full.csv",
        "sep": ";",
        "label": "y",
        "positive": "yes",
        "exclude": ["duration"],
        "missing": [],
        "issue": {"HistGradientBoosting": 0.8039},
    },
    {
        "name": "UCI online shoppers",
        "file": "uci-online-shoppers/online_shoppers_intention.csv",
        "sep": ",",
        "label": "Revenue",
        "positive": "TRUE",
        "exclude": ["PageValues"],
        "missing": [],
        "issue": {"HistGradientBoosting": 0.7804},
    },
]


def load(dataset):
    """Reads every cell as text (as Leadscore does), then types each column: a column whose
    non-empty cells all parse as numbers is numeric, any other is categorical."""
    path = os.path.join(DATA_DIR, dataset["file"])
    raw = pd.read_csv(path, sep=dataset["sep"], dtype=str, keep_default_na=False)
    y = (raw[dataset["label"]].str.strip() == dataset["positive"]).astype(int).to_numpy()
    X = raw.drop(columns=[dataset["label"], *dataset["exclude"]])
    numeric, categorical = [], []
    for column in X.columns:
        cells = X[column].str.strip()
        cells = cells.mask(cells.isin(["", *dataset["missing"]]))
        parsed = pd.to_numeric(cells, errors="coerce")
        if parsed.notna().sum() == cells.notna().sum() and cells.notna().any():
            X[column] = parsed.astype(float)
            numeric.append(column)
        else:
            X[column] = cells.fillna("(missing)")
            categorical.append(column)
    return path, X, y, numeric, categorical


def hgb_native(numeric, categorical):
    encode = ColumnTransformer(
        [
            (
                "cat",
                OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan),
                categorical,
            ),
            ("num", "passthrough", numeric),
        ]
    )
    is_categorical = [True] * len(categorical) + [False] * len(numeric)
    return make_pipeline(
        encode,
        HistGradientBoostingClassifier(categorical_features=is_categorical, random_state=0),
    )


def hgb_onehot(numeric, categorical):
    encode = ColumnTransformer(
        [
            ("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=False), categorical),
            ("num", "passthrough", numeric),
        ]
    )
    return make_pipeline(encode, HistGradientBoostingClassifier(random_state=0))


def logistic(numeric, categorical):
    encode = ColumnTransformer(
        [
            ("cat", OneHotEncoder(handle_unknown="ignore"), categorical),
            (
                "num",
                make_pipeline(
                    SimpleImputer(strategy="median", add_indicator=True), StandardScaler()
                ),
                numeric,
            ),
        ]
    )
    return make_pipeline(encode, LogisticRegression(C=1.0, max_iter=5000))


LEARNERS = {
    "HistGradientBoosting (ordinal + categorical_features)": ("HistGradientBoosting", hgb_native),
    "HistGradientBoosting (one-hot)": ("HistGradientBoosting", hgb_onehot),
    "LogisticRegression (one-hot + standardised)": ("LogisticRegression", logistic),
}


def evaluate(make, X, y, numeric, categorical, random_state=0):
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=random_state)
    oof = np.zeros(len(y))
    aucs = []
    started = time.perf_counter()
    for train, test in folds.split(X, y):
        model = make(numeric, categorical).fit(X.iloc[train], y[train])
        p = model.predict_proba(X.iloc[test])[:, 1]
        oof[test] = p
        aucs.append(roc_auc_score(y[test], p))
    return {
        "auc": float(np.mean(aucs)),
        "aucStd": float(np.std(aucs)),
        "pooledAuc": float(roc_auc_score(y, oof)),
        "logLoss": float(log_loss(y, oof)),
        "brier": float(brier_score_loss(y, oof)),
        "seconds": time.perf_counter() - started,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", help="run the datasets whose name contains this")
    parser.add_argument("--random-state", type=int, default=0,
                        help="the folds' shuffle seed (0: the issue's protocol)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    out = {
        "randomState": args.random_state,
        "command": " ".join(["python", *sys.argv]),
        "machine": f"{os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
        f"python {platform.python_version()}, scikit-learn {sklearn.__version__}, "
        f"pandas {pd.__version__}, load {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        "datasets": [],
    }
    if not args.json:
        print(f"command: {out['command']}\nmachine: {out['machine']}")
        print(f"protocol: StratifiedKFold(5, shuffle=True, random_state={args.random_state}); "
              "log loss and Brier "
              "over the out-of-fold probabilities\n")
    for dataset in DATASETS:
        if args.only and args.only.lower() not in dataset["name"].lower():
            continue
        path, X, y, numeric, categorical = load(dataset)
        result = {"name": dataset["name"], "rows": len(y), "positiveRate": float(y.mean()),
                  "numeric": numeric, "categorical": categorical, "learners": {}}
        if not args.json:
            print(f"## {dataset['name']}: {len(y):,} rows, {y.mean():.2%} positive, "
                  f"{len(numeric)} numeric + {len(categorical)} categorical columns, "
                  f"excluded: {', '.join(dataset['exclude'])}")
            print("| learner | AUC mean | AUC std | issue's AUC | pooled AUC | log loss | Brier | time |")
            print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for label, (family, make) in LEARNERS.items():
            r = evaluate(make, X, y, numeric, categorical, args.random_state)
            result["learners"][label] = r
            if not args.json:
                quoted = dataset["issue"].get(family)
                print(f"| {label} | {r['auc']:.4f} | {r['aucStd']:.4f} | "
                      f"{'' if quoted is None else f'{quoted:.4f}'} | {r['pooledAuc']:.4f} | "
                      f"{r['logLoss']:.4f} | {r['brier']:.4f} | {r['seconds']:.1f} s |",
                      flush=True)
        out["datasets"].append(result)
        if not args.json:
            print()
    if args.json:
        print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()

"""Imports a generated Python Functions app (v2 programming model) with the real PyPI `azure-functions`
package and prints, as JSON, each function's name and raw bindings: the JSON the Python worker sends to the
Functions host when it indexes the app (`Function.get_raw_bindings()`).

Usage: .tools/functions-py/bin/python scripts/functions-sdk/load-python-app.py APP_DIR
"""

import importlib
import json
import sys

import azure.functions as func

sys.path.insert(0, sys.argv[1])
module = importlib.import_module("function_app")
apps = [v for v in vars(module).values() if isinstance(v, func.FunctionApp)]
if len(apps) != 1:
    sys.exit(f"function_app.py defines {len(apps)} FunctionApp objects; the worker needs exactly one")
functions = [
    {"name": f.get_function_name(), "bindings": [json.loads(b) for b in f.get_raw_bindings()]}
    for f in apps[0].get_functions()
]
json.dump({"model": {"name": "python-v2", "version": func.__version__}, "functions": functions}, sys.stdout)

"""The bridge between the math and the browser: plain values in, plain dicts out.

The same functions run at build time (MkDocs hooks, CPython) and in the reader's browser
(Pyodide, inside a Web Worker). Nothing here does math of its own; it calls
:func:`biasgrad.neuron_report` and friends and turns the results into JSON-able data.
"""

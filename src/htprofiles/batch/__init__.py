"""The batch: plan the matrix, run reports in warm kernels, store them, verify a folder.

``build.run_build`` is the pipeline: ``plan`` (what to build), ``executors`` and ``tasks``
(where and how one report is built: ``execute`` through papermill's ``htprofiles`` engine,
``engine`` and ``kernels``), ``store`` (files, state, manifest, index). ``verify`` checks a
built folder against its inputs.
"""

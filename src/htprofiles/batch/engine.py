"""papermill's ``htprofiles`` engine: its nbclient execution, in the thread's warm kernel.

Registered under papermill's ``papermill.engine`` entry point, so the batch, a Dask worker and
``papermill --engine htprofiles IN OUT`` all execute notebooks the same way. papermill imports
this module itself while it registers its engines; htprofiles names the engine to papermill
(``kernels.ENGINE``) and never imports this module first, which would ask papermill to
register an engine whose module is still being imported.
"""

from __future__ import annotations

import os

from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import Engine
from papermill.log import logger
from papermill.utils import merge_kwargs, remove_args

from .kernels import STARTUP_TIMEOUT, thread_kernel


class WarmEngine(Engine):
    """papermill's nbclient execution, in the calling thread's warm kernel.

    The notebook runs in ``workdir`` (an engine argument: papermill's own ``cwd`` changes the
    folder of the whole process, which threads share), else in the current folder.
    """

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                 stderr_file=None, start_timeout=STARTUP_TIMEOUT,
                                 execution_timeout=None, workdir=None, **kwargs):
        """Execute ``nb_man.nb`` as papermill's nbclient engine does, in a warm kernel."""
        kernel = thread_kernel(kernel_name)
        kernel.reset(str(workdir or os.getcwd()))
        options = merge_kwargs(
            remove_args(["input_path", "timeout", "startup_timeout"], **kwargs),
            timeout=execution_timeout or kwargs.get("timeout"), startup_timeout=start_timeout,
            kernel_name=kernel_name, log=logger, log_output=log_output,
            stdout_file=stdout_file, stderr_file=stderr_file)
        client = PapermillNotebookClient(nb_man, km=kernel.manager, **options)
        client.kc = kernel.client  # connected and ready: nbclient neither starts nor stops it
        return client.execute()

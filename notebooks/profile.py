# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# <!-- Template of every htprofiles report: papermill fills the parameters cell, nbconvert renders outputs and markdown only. Keep it narrative; logic lives in the package.
# To change a parameter, edit the next cell and run all cells; `htprofiles params` lists the parameters, which src/htprofiles/parameters.py declares and validates (keep this cell in step with it). notebooks/profile.py is the text twin of this notebook: after editing either one, run `uv run jupytext --sync notebooks/profile.ipynb`. -->

# %% tags=["parameters"]
territory: str = "VI"  # USPS code of the territory to profile, see htprofiles territories
year: int = 2016  # calendar year of the profile, a record belongs to the year of its date
data_dir: str = ""  # folder of signals, cases and victims files, empty for the embedded synthetic sample
params_dir: str = ""  # folder holding territories/XX.yaml, empty for the params folder of the project
suppression_threshold: int = 3  # counts from 1 to threshold-1 are published as <threshold
suppress_zero: bool = True  # publish zero counts as <threshold too
first_year: int = 2012  # first year of the data window shown in per-year tables

# %%
from htprofiles import notebook as report

profile = report.prepare(
    territory=territory, year=year, data_dir=data_dir, params_dir=params_dir,
    suppression_threshold=suppression_threshold, suppress_zero=suppress_zero, first_year=first_year,
)
report.show_header(profile)

# %% [markdown]
# ## Where cases were reported
#
# The map shades each county by the number of potential trafficking cases reported to the National Human Trafficking Hotline in the profile year. It reflects only cases whose location was known; some cases may involve more than one location.

# %%
report.show_map(profile)

# %% [markdown]
# ## Demographics of potential persons trafficked

# %%
report.show_tables(profile, "citizenship", "gender", "age")

# %% [markdown]
# *These statistics are noncumulative. Cases may involve multiple victims and include males and females, foreign nationals and U.S. citizens, and adults and minors. In some cases, callers do not provide demographic information.*

# %% [markdown]
# ## Types of calls
#
# Phone calls to the hotline in the profile year, by what the caller needed.

# %%
report.show_chart(profile, "call_types")

# %% [markdown]
# ## Top trafficking venues and industries
#
# Only venues reported at least as often as the disclosure threshold are listed, at most five, largest first.

# %%
report.show_venues(profile)

# %% [markdown]
# ## Cases and signals over the data window
#
# A signal is a phone call, email, webform, text or chat to the hotline; a case is a situation of potential human trafficking identified through one or more signals.

# %%
report.show_chart(profile, "cases_by_year")
report.show_chart(profile, "signals_by_year")

# %% [markdown]
# ## Cases by type of trafficking and signals by method

# %%
report.show_tables(profile, "trafficking_types", "signal_methods")

# %% [markdown]
# ## About the data
#
# The data contained in this document are based on aggregated information learned through signals (phone calls, emails, and online tip reports) received by the National Human Trafficking Hotline. The data do not represent actual numbers of cases identified or processed, nor do they represent the entire scope of human trafficking.

# %% [markdown]
# ## Human trafficking laws
#
# Sex trafficking, labor trafficking, safe harbor, vacating convictions and related statutes.

# %%
report.show_laws(profile)

# %% [markdown]
# ## Statewide efforts

# %%
report.show_efforts(profile)

# %% [markdown]
# ## Human trafficking hotlines

# %%
report.show_hotlines(profile)

# %% [markdown]
# ## About this report
#
# Counts from 1 up to the suppression threshold (and, by default, zeros) are withheld and shown as "&lt;" followed by the threshold, which the table below records; charts and the map are drawn from the published values only.

# %%
report.show_about(profile)
report.publish(profile)

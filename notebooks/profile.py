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
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] tags=["jupyter-only"]
# **Using this notebook.** It builds the profile of one territory and year. To profile another, change the values in the next cell (say `territory = "TX"` and `year = 2015`) and run all cells (Run > Run All Cells). `htprofiles params` lists the parameters and what each accepts. To chart a published table yourself, see *Add your own chart* at the end. This note and that section are left out of the reports.
#
# <!-- Template of every htprofiles report: papermill fills the parameters cell, nbconvert renders outputs and markdown only, without the cells tagged jupyter-only. Keep it narrative; logic lives in the package.
# src/htprofiles/contract/parameters.py declares and validates the parameters (keep the next cell in step with it). notebooks/profile.py is the text twin of this notebook: after editing either one, run `uv run jupytext --sync notebooks/profile.ipynb`. Commit it without outputs. -->

# %% tags=["parameters"]
territory: str = "VI"  # USPS code of the territory, R1-R10 for an HHS region, US for the nation: see htprofiles territories
year: int = 2016  # calendar year of the profile, a record belongs to the year of its date
data_dir: str = ""  # folder of signals, cases and victims files, empty for the embedded synthetic sample
params_dir: str = ""  # folder holding territories/XX.yaml, empty for the params folder of the project
suppression_threshold: int = 3  # counts from 1 to threshold-1 are published as <threshold
suppress_zero: bool = True  # publish zero counts as <threshold too
first_year: int = 0  # first year of the data window shown in per-year tables, 0 for the first year of params/batch.yaml

# %%
from htprofiles import report

profile = report.prepare(
    territory=territory, year=year, data_dir=data_dir, params_dir=params_dir,
    suppression_threshold=suppression_threshold, suppress_zero=suppress_zero, first_year=first_year,
)
report.show_header(profile)

# %% [markdown]
# ## Where cases were reported

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

# %% [markdown]
# ### Collaborations (coalitions, task forces, working groups)

# %%
report.show_links(profile.content.collaborations)

# %% [markdown]
# ### Funding opportunities

# %%
report.show_links(profile.content.funding)

# %% [markdown]
# ## Human trafficking hotlines
#
# ### Local

# %%
report.show_hotlines(profile)

# %% [markdown]
# ### National
#
# <div class="hotline"><p><strong><a href="https://humantraffickinghotline.org/">National Human Trafficking Hotline</a></strong> <span class="phone">1-888-373-7888</span></p>
# <p>The National Hotline serves victims and survivors of human trafficking and the anti-trafficking community across the United States and its territories, 24/7, in more than 200 languages. Contact the confidential hotline to report tips, seek services, ask for help, or receive information and statistics related to human trafficking.</p></div>

# %% [markdown]
# ## About this report
#
# Counts from 1 up to the suppression threshold (and, by default, zeros) are withheld and shown as "&lt;" followed by the threshold, which the table below records; charts and the map are drawn from the published values only.
#
# Where a published total would let a reader work out a withheld count, more counts are withheld and shown as &ldquo;withheld&rdquo;, or a table is not shown. Every decision to withhold is recorded, and before the report is written an audit of every published count, total, mark and decision checks that no withheld count can be worked out, even by a reader who replays this software on every data set that could lie behind the report.

# %%
report.show_about(profile)
report.publish(profile)

# %% [markdown] tags=["jupyter-only"]
# ## Add your own chart
#
# *Optional, for researchers; left out of the reports.* Each published table is a pandas DataFrame of published values only: `report.table_frame(profile, name)`, with `name` one of `list(profile.tables)`. A withheld cell reads as its mark (such as "<3") in the `value` column and is missing in `count`, so it has no bar. Try it in a new code cell below:
#
# ```python
# import altair as alt
#
# calls = report.table_frame(profile, "call_types")
# alt.Chart(calls, title="Phone calls by type").mark_bar().encode(
#     x=alt.X("count:Q", title="Calls"), y=alt.Y("category:N", sort="-x", title=None))
# ```
#
# Charts display as inline SVG, like the report's own. A code cell you add above this section becomes part of every report built from this template (`htprofiles build`).

"""Strategic personnel planning (SPP): the stock-flow projection of staff by function group
with scenarios and sensitivity, and its rates from employment spells (``model``); chapter 01
(``chapter``) turns it and the published figures into figures, tables and readings.

Typical use::

    from regio_analysis.workforce import model
    inputs = model.inputs_from_region(region, jaren=5)
    projection = model.project_scenarios(inputs)
"""

"""What a reader sees: the one Dutch formatter (``format``), the figure theme and helpers
(``figures``) and the table and figure display of the notebooks (``tables``)."""

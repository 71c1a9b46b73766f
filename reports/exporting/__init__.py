"""The street-office summaries (issue 13): one exporter per kind, each a month or a range of
months of the user's scope, in the layout a street office files on paper (title, 填报单位 and
填报日期, the header, the rows, 合计), written by the one export path (``communities.exports``).
See docs/architecture.md, 14.x."""

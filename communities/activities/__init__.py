"""Campaign activities (普法, 法律进社区, 消防演练 …): services, reads, pages, export, admin,
demo. The model is ``communities.models.activities``; every app may show activities (the
self-check shows a month's legal-education activities beside its 法制教育好 item)."""

"""What the scheduler put off: an item of a sweep that failed, and when it is tried again.

One row per (sweep, item) that raised: the sweep leaves the item out until `retry_at`, and each
new failure doubles the wait. A success deletes the row. `rapport sweep` lists them.
"""

from __future__ import annotations

from django.db import models


class DeferredItem(models.Model):
    sweep = models.CharField(max_length=64)
    # The primary key of the row the sweep failed on (a case, a promise...): jobs knows no model.
    item = models.BigIntegerField()
    failures = models.PositiveIntegerField(default=0)
    first_failed_at = models.DateTimeField()
    last_failed_at = models.DateTimeField()
    retry_at = models.DateTimeField()
    error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sweep", "item"], name="deferred_item_once"),
        ]
        indexes = [models.Index(fields=["sweep", "retry_at"], name="deferred_item_due")]

    def __str__(self) -> str:
        return f"{self.sweep} #{self.item} (failed {self.failures}x)"

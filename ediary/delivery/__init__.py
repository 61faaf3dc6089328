"""Sending the notification outbox through the loaded channels."""

from ediary.delivery.worker import DeliveryWorker, RetryPolicy

__all__ = ["DeliveryWorker", "RetryPolicy"]

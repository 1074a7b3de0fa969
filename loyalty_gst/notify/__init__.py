"""Members' messages through WhatsApp Business (Cloud API), with consent.

A message goes only for a purpose the member opted in to (`privacy.consent`); it is
written to `lgst_messages`, sent, retried with back-off while the sender is down, and its
delivery statuses (sent, delivered, read, failed) come back through the webhook, where a
STOP reply opts the member out at once. The number is kept only to deliver; logs show a
masked one. An OTP is sent at once or refused, and never stored.
"""

from loyalty_gst.notify.whatsapp import Notifier, WhatsAppConfig, config_from_env

__all__ = ["Notifier", "WhatsAppConfig", "config_from_env"]

"""Customer messages through WhatsApp Business (Cloud API), via an outbox in the store.

A message is written to `lgst_notify_outbox` in the caller's flow, then sent; a send that
fails stays pending and `flush` retries it, so an OTP or a receipt is never silently
lost. The number is kept only to deliver and is never logged (logs show a masked one).
"""

from loyalty_gst.notify.whatsapp import Notifier, WhatsAppConfig, config_from_env

__all__ = ["Notifier", "WhatsAppConfig", "config_from_env"]

"""Messages to residents' phones (sign-in codes, booking notices, reminders, queue calls).

One entry point: ``adminduk.messaging.services.send(phone, text, kind=...)`` returns the stored
``Message`` with its status. The backend is chosen by ``ADMINDUK_MESSAGING_BACKEND``
(``file``, ``console``, ``sms``, ``whatsapp``); see backends.py.
"""

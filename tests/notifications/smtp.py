"""A mail server that answers as the test says: the network edge, the only thing these tests replace.

Each send takes the next answer from `EmailBackend.answers` (an exception to raise, or None to accept the
message into django.core.mail.outbox); once the list is empty every send gets `EmailBackend.then`
(None: accept). `EmailBackend.calls` counts the sends tried."""

from smtplib import SMTPRecipientsRefused, SMTPResponseException

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


def busy() -> SMTPResponseException:
    return SMTPResponseException(421, b"4.3.2 Service not available, try again later")


def no_such_mailbox(address: str) -> SMTPRecipientsRefused:
    return SMTPRecipientsRefused({address: (550, b"5.1.1 <%s>: Recipient address rejected: User unknown" % address.encode())})


class EmailBackend(LocmemBackend):
    answers: list[BaseException | None] = []
    then: BaseException | None = None
    calls = 0

    @classmethod
    def reset(cls, answers=(), then=None) -> None:
        cls.answers, cls.then, cls.calls = list(answers), then, 0

    def send_messages(self, email_messages):
        cls = type(self)
        cls.calls += 1
        answer = cls.answers.pop(0) if cls.answers else cls.then
        if answer is not None:
            raise answer
        return super().send_messages(email_messages)

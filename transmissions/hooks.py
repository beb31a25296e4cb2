"""The lifecycle hooks this app fires (declared in seams.register(); kept apart so that the
services naming them import no registration code)."""

# Fired inside the transaction that records a sending to the GTP:
# payload sending=<PackSending>, by=<User>. The branch's side checks what arrived.
PACK_SENT = "transmissions.pack_sent"

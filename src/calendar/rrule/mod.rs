//! RFC 5545 recurrence rules (RRULE, RDATE, EXDATE), expanded in civil time.

"""Errors of the contracts package; each subclasses one of the engine's kinds.

engine.errors.InvalidInputError
 ├── ValidationError          validation_failed  details: {"field": ["message", …]}
 └── ImportTooLargeError      import_too_large   (-> 413) an import's files, unpacked or rows
engine.errors.NotFoundError
 └── ContractNotFoundError    contract_not_found
engine.errors.ForbiddenError
 └── PermissionDeniedError    permission_denied
engine.errors.ConflictError
 └── ContractStateError       contract_state     (not editable / not submittable now)
      └── ContractFrozenError  contract_frozen    in review or approved: text and documents
                                                  are read-only (contracts/freeze.py)
AuthenticationError           authentication_failed (-> 401)
 └── LoginThrottledError      too_many_attempts    (-> 429)
AuditKeyError                 audit_key            no or wrong audit key (-> 500)
"""

from __future__ import annotations

from engine.errors import (
    ConflictError,
    EngineError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
)


class ValidationError(InvalidInputError):
    code = "validation_failed"

    def __init__(self, details: dict[str, list[str]], message: str | None = None) -> None:
        fields = ", ".join(sorted(details))
        super().__init__(message or f"invalid input: {fields}", details=details)


class ImportTooLargeError(InvalidInputError):
    code = "import_too_large"


class ContractNotFoundError(NotFoundError):
    code = "contract_not_found"


class PermissionDeniedError(ForbiddenError):
    code = "permission_denied"


class ContractStateError(ConflictError):
    code = "contract_state"


class ContractFrozenError(ContractStateError):
    code = "contract_frozen"


class AuthenticationError(EngineError):
    code = "authentication_failed"


class LoginThrottledError(AuthenticationError):
    code = "too_many_attempts"


class AuditKeyError(EngineError):
    code = "audit_key"

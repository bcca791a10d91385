"""Extensions created at module level and bound in the app factory."""

from __future__ import annotations

from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from engine.db import Base

# Our models derive from engine.db.Base (not db.Model); Flask-SQLAlchemy only
# provides the session and engine, bound to that one metadata.
db = SQLAlchemy(metadata=Base.metadata)
login_manager = LoginManager()
csrf = CSRFProtect()

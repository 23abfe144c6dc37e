"""The bare list's models (copied from the shared yardstick; the database path may be
given by ANCHOR_DB, so the benchmark builds it in its throw-away folder)."""

import os

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
HERE = os.path.dirname(os.path.abspath(__file__))
DB_PATH = os.environ.get("ANCHOR_DB") or os.path.join(HERE, "data.db")


class Building(db.Model):
    __tablename__ = "building"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    street: Mapped[str] = mapped_column(String(200))


class Household(db.Model):
    __tablename__ = "household"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"), index=True)
    unit: Mapped[str] = mapped_column(String(20))
    members: Mapped[int] = mapped_column(Integer)
    phone: Mapped[str] = mapped_column(String(40))
    email: Mapped[str] = mapped_column(String(200))
    building: Mapped[Building] = relationship()


def make_app(name):
    app = Flask(name, template_folder=os.path.join(HERE, "templates"))
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + DB_PATH
    db.init_app(app)
    return app

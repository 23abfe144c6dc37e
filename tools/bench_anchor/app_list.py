"""The bare Flask list page (no login, no session, no layout beyond a small one)."""

from flask import render_template, request
from models import Household, db, make_app
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

app = make_app(__name__)


@app.route("/households")
def households():
    page = request.args.get("page", 1, type=int)
    stmt = (
        select(Household)
        .join(Household.building)
        .options(contains_eager(Household.building))
        .order_by(Household.name, Household.id)
    )
    pagination = db.paginate(stmt, page=page, per_page=50, error_out=False)
    return render_template("households.html", pagination=pagination, title="Households")

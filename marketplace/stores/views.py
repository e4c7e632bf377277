from flask import Blueprint

bp = Blueprint("stores", __name__, template_folder="templates")

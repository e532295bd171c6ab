"""`python -m spacy_kogner`."""
from .cli import app

if __name__ == "__main__":
    app()

"""Setting names and how settings resolve (environment, `.env`, given secrets): no Streamlit,
no vendor code."""

"""Teams, which none of the vendors' APIs knows: `mapping` reads the organisation's CSV and says
which team a person, a pipeline or a space belongs to on a given day. Pure pandas and stdlib:
no Streamlit, no HTTP."""

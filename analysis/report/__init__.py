"""Stage 5, the report: sentences that state findings, the front-page summary, rendering to HTML and the
runner that executes every notebook with papermill and publishes the result.
"""

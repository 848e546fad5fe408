from ninja import NinjaAPI

api = NinjaAPI(title="E-licensing API", version="1", urls_namespace="api")

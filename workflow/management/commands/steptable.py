"""python manage.py steptable S1 portal [--version 2012] [--format markdown|json]

Prints the regulation's step table generated from the process definition."""
from django.core.management.base import BaseCommand, CommandError

from workflow import definitions, steptable


class Command(BaseCommand):
    help = "Print the step table (appendix 3 form) of a service's channel, generated from its BPMN file."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # `--version` names the regulation version here, replacing Django's own --version flag.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("service", help="service code, e.g. S1")
        parser.add_argument("channel", help="portal, staff or psc")
        parser.add_argument("--version", dest="regulation_version", default=None,
                            help="regulation version (e.g. 2012); default: the newest")
        parser.add_argument("--format", choices=("markdown", "json"), default="markdown")

    def handle(self, *args, service, channel, regulation_version, format, **options):
        try:
            path = definitions.find_definition(service, channel, regulation_version)
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        rows = steptable.step_table(path)
        metadata = definitions.definition_metadata(path)
        if format == "json":
            self.stdout.write(steptable.to_json(rows, metadata), ending="")
        else:
            title = f"{metadata.get('name', path.stem)}\n\n"
            self.stdout.write(title + steptable.to_markdown(rows), ending="")

{#- Use a model's custom schema verbatim (staging, intermediate, config); marts stay in the target schema
    (main), where the notice renderer reads them without qualification. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}

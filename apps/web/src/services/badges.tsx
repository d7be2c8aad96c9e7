import type { Sensitivity, ServiceStatus } from '@allmende/protocol';
import { useI18n } from '../i18n/i18n.tsx';

export function SensitivityBadge({ sensitivity }: { sensitivity: Sensitivity }) {
  const { t } = useI18n();
  return (
    <span className={`pill sensitivity-${sensitivity}`}>
      <span className="visually-hidden">{t.services.sensitivity}: </span>
      {t.coop.sensitivities[sensitivity]}
    </span>
  );
}

export function StatusBadge({ status }: { status: ServiceStatus }) {
  const { t } = useI18n();
  return (
    <span className={`pill status-${status}`}>
      <span className="visually-hidden">{t.services.status}: </span>
      {t.coop.statuses[status]}
    </span>
  );
}

export function ServiceBadges({
  service,
}: {
  service: { sensitivity: Sensitivity; status: ServiceStatus };
}) {
  return (
    <span className="pills">
      <SensitivityBadge sensitivity={service.sensitivity} />
      <StatusBadge status={service.status} />
    </span>
  );
}
